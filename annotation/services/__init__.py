"""Writes: every change to annotation data goes through a function here (`<entity>_<action>`)."""
