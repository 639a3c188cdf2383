# reach-parity in a container: `parity demo` by default, `parity audit /config/<name>.toml` for real audits.
# The store, the reports and the evidence archives live on the volume /data (history needs the store kept
# across runs); configs are mounted read-only at /config. See docs/scheduling.md.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY parity ./parity
COPY crawler ./crawler
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 --user-group parity \
    && mkdir -p /data /config \
    && chown parity:parity /data
COPY --from=build /install /usr/local
USER parity
WORKDIR /data
VOLUME ["/data"]
ENTRYPOINT ["parity"]
CMD ["demo", "--out", "/data/reports/demo"]
