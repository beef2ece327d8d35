"""Trygg: open-source software for EST – Effektiv samordning för trygghet."""
