# Two stages. The first runs the same scripts/setup.sh as the README (Java and Maven
# from Debian, the pinned Python packages from PyPI, LanguageTool from Maven Central,
# front-end files from npm), without the tools only the tests need. The second keeps
# what runs: a Java runtime, the virtual environment, the jars and the app, as a user
# that is not root.
FROM python:3.11-slim-bookworm AS build
WORKDIR /app
COPY . .
ENV TACTFUL_SETUP_TEST_TOOLS=0
RUN scripts/setup.sh && rm -rf /root/.m2 /root/.cache

FROM python:3.11-slim-bookworm
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin tactful
WORKDIR /app
COPY --from=build --chown=10001:10001 /app /app
ENV PATH=/app/.venv/bin:$PATH TACTFUL_HOST=0.0.0.0 TACTFUL_PORT=8000
USER 10001
EXPOSE 8000
CMD ["tactful", "serve", "--host", "0.0.0.0", "--port", "8000"]
