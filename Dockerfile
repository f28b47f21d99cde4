# One webhook replica: `python -m bot run --webhook` on 0.0.0.0:8080. It never calls setWebhook;
# run `python -m bot set-webhook` once per deploy (deploy/kubernetes.yaml has a Job for it).
# Configuration comes from the environment (README, "Configuration"); TELEGRAM_BOT_TOKEN and
# WEBHOOK_SECRET must be passed in at run time, never baked into the image.
# Not built in this repository's CI: see README, "Deploying".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=8080

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY content ./content
COPY locales ./locales

# Editable install: code, content/ and locales/ stay together in /app, where bot.config.ROOT
# finds them, so `run`, `set-webhook` and `check` all work. Files stay owned by root: the bot
# process cannot change the content it serves.
RUN pip install --editable . \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin kyr

USER 10001
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8080') + '/healthz', timeout=3)"]

# `run` restarts itself (same pid) with PYTHONMALLOC=malloc, MALLOC_PERTURB_ and glibc's tcache
# off, so freed memory holding people's messages is overwritten (bot/memory.py, README "What the
# bot keeps"). Do not set PYTHONMALLOC here: that opts out. Run hosts without swap.
CMD ["python", "-m", "bot", "run", "--webhook"]
