"""Community pages, one module per aggregate: community (directory, proposals, home, members,
joining and leaving, settings, health), calendar, craft (path, nudges, checklist), insight
(dashboard), invitations, messaging, moderation. The repertoire's pages are in
`communities/repertoire/views/`."""
