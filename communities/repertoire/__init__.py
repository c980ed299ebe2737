"""The community's shared repertoire: the library (documents and their versions), links, job
adverts, the article of the month, themes and meetings. Models stay in `communities.models`
(app label `communities`); here are their services, forms, views and search, laid out like an
app (`services/`, `forms.py`, `views/`, `search.py`). URLs are in `communities/urls.py`, names
in the `communities:` namespace."""
