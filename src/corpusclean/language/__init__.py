"""Language identification: deterministic langdetect, writing scripts, stopword lists."""

from .detect import UNDETERMINED, Detection, detect_lines, detect_text
from .scripts import dominant_script, profile, script_counts

__all__ = [
    "UNDETERMINED",
    "Detection",
    "detect_lines",
    "detect_text",
    "dominant_script",
    "profile",
    "script_counts",
]
