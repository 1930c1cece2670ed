"""Models bundled with textrecog (installed as package data)."""
