"""Repertoire pages, one module per aggregate (library and links, jobs, meetings, themes and
articles); `communities/urls.py` routes to them."""
