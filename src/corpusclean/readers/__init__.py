"""Readers: files and directories in, documents and rejects out."""

from .base import Reject
from .decode import DecodeError, Decoded, decode_bytes
from .files import ReaderOptions, read_file, walk
from .html import DomEvidence, html_to_blocks, html_to_text

__all__ = ["DecodeError", "Decoded", "DomEvidence", "ReaderOptions", "Reject", "decode_bytes", "html_to_blocks", "html_to_text", "read_file", "walk"]
