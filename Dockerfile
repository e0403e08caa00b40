# storymap: one app process per container, the built-in stories and their offline data inside.
#   docker build -t storymap . && docker run -p 8501:8501 storymap
# For more readers than one process serves, run several containers behind nginx: docs/deploy.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

# Dependencies first, so editing a story does not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

# The app reads stories and geodata and writes nothing, so it runs as an unprivileged user.
RUN useradd --create-home --uid 10001 storymap
# What goes in is decided by .dockerignore: the app, its stories and geodata, .streamlit/.
COPY . .
USER storymap

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
