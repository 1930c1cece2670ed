"""Folders of images: the command, the local worker pool and the Ray cluster, sharing one worker module."""
