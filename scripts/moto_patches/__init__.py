"""Patches of moto for the database, capacity, load-balancing, key and secret services.

Every module here has an ``apply()`` that scripts/moto_server.py calls at start, in module-name
order, and a docstring naming what moto 5.2.5 gets wrong and what the patch makes it do instead
(as AWS does).
"""
