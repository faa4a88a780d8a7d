"""The tap's settings: their schema, where credentials come from, checks, and the parsed Settings."""
