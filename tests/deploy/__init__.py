"""The deployment (Dockerfile, docker-compose.yml, deploy/, .env.example), checked without Docker.

There is no Docker engine here, so what Docker would do is done by hand, from the files
themselves: the build context is copied as .dockerignore says and the Dockerfile's build
step runs in it; compose's migrate command and the Dockerfile's CMD and HEALTHCHECK run
against a scratch PostgreSQL database and redis-servers of the test's own; nginx runs
deploy/nginx.conf in front of the app. What only Docker can show (the images, the
network, its DNS) is checked statically: docs/deployment.md lists both.
"""
