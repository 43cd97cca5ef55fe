# apt-get hygiene.
FROM debian:12-slim
# want: PAL-DF-122 PAL-DF-123
RUN apt-get update && apt-get install curl && rm -rf /var/lib/apt/lists/*
# pass: PAL-DF-122 PAL-DF-123 PAL-DF-124 PAL-DF-126 PAL-DF-125 PAL-DF-127
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
# pass: PAL-DF-122
RUN apt-get -qq update && apt-get -qq install --no-install-recommends make && rm -rf /var/lib/apt/lists
# want: PAL-DF-124
RUN apt-get update && apt-get install -y --no-install-recommends git
# pass: PAL-DF-124
RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends vim
# pass: PAL-DF-124
RUN apt-get update && apt-get install -y --no-install-recommends jq && apt-get dist-clean
# want: PAL-DF-126 PAL-DF-124
RUN apt-get update
# want: PAL-DF-125
RUN apt install -y --no-install-recommends less && rm -rf /var/lib/apt/lists/*
# want: PAL-DF-127
RUN apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*
# pass: PAL-DF-127 PAL-DF-126
RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
# pass: PAL-DF-123
RUN apt-get -o APT::Install-Recommends=false install -y tree
