"""Personalised retirement-savings guides: YAML profiles in, a MkDocs Material site out."""
