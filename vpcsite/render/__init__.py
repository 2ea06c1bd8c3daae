"""Rendering: views (prepared values), HTML pages, PDF handouts."""
