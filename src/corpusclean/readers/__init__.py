"""Readers: files and directories in, documents and rejects out."""

from .base import Reject
from .decode import Decoded, DecodeError, decode_bytes
from .files import ReaderOptions, display_name, read_file, walk
from .html import DomEvidence, HtmlError, html_to_blocks, html_to_text, safe_html_to_blocks, safe_html_to_text

__all__ = [
    "DecodeError", "Decoded", "DomEvidence", "HtmlError", "ReaderOptions", "Reject", "decode_bytes",
    "display_name", "html_to_blocks", "html_to_text", "read_file", "safe_html_to_blocks",
    "safe_html_to_text", "walk",
]
