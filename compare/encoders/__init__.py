"""Concrete encoders behind `compare.embed.Encoder`; each module imports its engine lazily."""
