"""Readers that convert each motion source into a canonical `Motion` at the edge."""
