"""Helpers for the tests: a recording proxy in front of the real engine, scripted fake daemons."""
