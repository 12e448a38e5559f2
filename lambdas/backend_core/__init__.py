"""Shared core of the Lambda functions: the contracts every part of the toolkit agrees on.

Kept tiny and dependency-light (pydantic only) because it ships inside every function zip.
`ops` imports it too, so each contract has exactly one definition.
"""
