"""Propaganda and manipulation analysis: corpora readers, task scorers and trained models."""
