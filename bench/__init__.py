"""The performance benchmark: a load generator, a bare-websockets ceiling, and the matrix.

See bench/README.md and docs/performance.md.
"""
