"""High-level objects: containers, images, networks, ... and their collections."""
