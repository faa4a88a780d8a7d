"""Everything about the wire: signing, the client and its error mapping, pacing, the list actions."""
