"""Signed checkpoints: Ed25519 signatures over the head of the audit chain.

Pure (the standard library and `cryptography` only), so the offline verifier checks signatures
with exactly the code that made them. A checkpoint signs the canonical JSON of
`{"format", "origin", "seq", "hash", "signed_at"}`; keys and signatures travel as lowercase hex.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from pb.audit.chain import canonical_json, sha256_hex

CHECKPOINT_FORMAT = "pb-checkpoint-1"
SIGNED_FIELDS = ("format", "origin", "seq", "hash", "signed_at")
CHECKPOINT_FIELDS = (*SIGNED_FIELDS, "public_key", "signature")
HEX = frozenset("0123456789abcdef")


class UnreadableKey(ValueError):
    """A private key that cannot be read."""


def checkpoint_message(origin: str, seq: int, entry_hash: str, signed_at: str) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    body = {
        "format": CHECKPOINT_FORMAT,
        "origin": origin,
        "seq": seq,
        "hash": entry_hash,
        "signed_at": signed_at,
    }
    return canonical_json(body).encode("utf-8")


def new_private_key_pem() -> bytes:
    """A fresh Ed25519 private key as unencrypted PKCS#8 PEM (keep the file private)."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_private_key(data: bytes | str) -> Ed25519PrivateKey:
    """Read a PKCS#8 PEM Ed25519 key, or its 32-byte seed written as 64 hex digits."""
    raw = data.encode() if isinstance(data, str) else data
    text = raw.strip()
    try:
        if len(text) == 64 and set(text.decode("ascii").lower()) <= HEX:
            return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(text.decode("ascii")))
        key = serialization.load_pem_private_key(text, password=None)
    except (ValueError, TypeError, UnicodeDecodeError) as error:
        raise UnreadableKey(f"not an Ed25519 private key ({error})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UnreadableKey("the key is not an Ed25519 key")
    return key


def public_key_hex(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return raw.hex()


def key_id(public_hex: str) -> str:
    """A short name for a public key: the first 16 hex digits of its SHA-256."""
    return sha256_hex(public_hex.lower())[:16]


def sign_checkpoint(
    private_key: Ed25519PrivateKey, origin: str, seq: int, entry_hash: str, signed_at: str
) -> dict[str, Any]:
    """The published form of a checkpoint: the signed fields, the public key, the signature."""
    message = checkpoint_message(origin, seq, entry_hash, signed_at)
    return {
        "format": CHECKPOINT_FORMAT,
        "origin": origin,
        "seq": seq,
        "hash": entry_hash,
        "signed_at": signed_at,
        "public_key": public_key_hex(private_key),
        "signature": private_key.sign(message).hex(),
    }


def _is_hex(value: Any, length: int) -> bool:
    return isinstance(value, str) and len(value) == length and set(value) <= HEX


def checkpoint_problem(checkpoint: Any) -> str | None:
    """Why a published checkpoint is not validly signed by its own key, or None when it is."""
    if not isinstance(checkpoint, Mapping):
        return "a checkpoint must be a JSON object"
    missing = [name for name in CHECKPOINT_FIELDS if name not in checkpoint]
    if missing:
        return f"a checkpoint lacks {', '.join(missing)}"
    extra = sorted(set(checkpoint) - set(CHECKPOINT_FIELDS))
    if extra:  # strict: a field no signature covers could mislead a reader
        return f"a checkpoint has fields no signature covers: {', '.join(extra)}"
    if checkpoint["format"] != CHECKPOINT_FORMAT:
        return f"unknown checkpoint format {checkpoint['format']!r}"
    seq = checkpoint["seq"]
    if type(seq) is not int or seq < 0:
        return "seq must be a non-negative integer"
    if not isinstance(checkpoint["origin"], str) or not isinstance(checkpoint["signed_at"], str):
        return "origin and signed_at must be strings"
    if not _is_hex(checkpoint["hash"], 64):
        return "hash must be 64 lowercase hex digits"
    if not _is_hex(checkpoint["public_key"], 64) or not _is_hex(checkpoint["signature"], 128):
        return "public_key (64) and signature (128) must be lowercase hex digits"
    message = checkpoint_message(
        checkpoint["origin"], seq, checkpoint["hash"], checkpoint["signed_at"]
    )
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(checkpoint["public_key"]))
        public.verify(bytes.fromhex(checkpoint["signature"]), message)
    except (InvalidSignature, ValueError):
        return "the signature does not verify with its public key"
    return None
