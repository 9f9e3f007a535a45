"""The foundation every layer stands on: the film schema, errors, atomic writes, settings types.

Nothing here imports from agents/, models/, tools/ or pipeline/.
"""
