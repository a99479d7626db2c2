"""API viewsets of the assets app."""


def register(router):
    pass
