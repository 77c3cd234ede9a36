# The same setup as the README: scripts/setup.sh installs Java and Maven (Debian),
# the Python packages (PyPI) and the LanguageTool server (Maven Central).
FROM python:3.11-slim-bookworm

WORKDIR /app
COPY . .
RUN scripts/setup.sh && rm -rf /root/.m2 /root/.cache/pip

ENV TACTFUL_HOST=0.0.0.0 TACTFUL_PORT=8000
EXPOSE 8000
CMD ["./run.sh", "serve"]
