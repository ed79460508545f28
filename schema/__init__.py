"""The Strawberry schema: one package per domain (its types, inputs and root fields), the
roots merged from them (``roots.py``), and what the domains share (context, loaders,
errors, scalars, limits); ``build.py`` assembles it."""
