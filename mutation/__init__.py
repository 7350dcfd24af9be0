"""Mutation testing of the modules where a wrong line is a security or money problem."""
