"""Seeds this service family into moto (being written)."""


def seed(ctx):
    return {}
