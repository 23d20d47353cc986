"""Per-document analysis: an ordered pipeline of annotators over one shared document object."""
