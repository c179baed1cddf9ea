"""Where documents come from. Each source discovers URLs with whatever dates it knows and returns raw bytes."""
