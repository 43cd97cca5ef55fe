# PAL-DF-030 (APT signature bypasses) and PAL-DF-031 (apt-key global trust).
FROM debian:12-slim

# want: PAL-DF-030
RUN apt-get update && apt-get install -y --no-install-recommends --allow-unauthenticated curl && rm -rf /var/lib/apt/lists/*

# want: PAL-DF-030
RUN apt-get install -y --no-install-recommends --force-yes curl && rm -rf /var/lib/apt/lists/*

# want: PAL-DF-030
RUN apt-get update --allow-insecure-repositories

# want: PAL-DF-030
RUN apt-get -o APT::Get::AllowUnauthenticated=true install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*

# Any case, and the -oKEY=VALUE spelling.
# want: PAL-DF-030
RUN apt-get -oapt::get::allowunauthenticated=1 update

# want: PAL-DF-030
RUN apt-get update -o Acquire::AllowInsecureRepositories=true

# want: PAL-DF-030
RUN apt-get --option=Acquire::https::Verify-Peer=false update

# want: PAL-DF-030
RUN echo "deb [trusted=yes] http://repo.example.com/debian stable main" > /etc/apt/sources.list.d/example.list

# want: PAL-DF-030
RUN printf 'deb [arch=amd64 trusted=yes] https://repo.example.com/debian stable main\n' | tee /etc/apt/sources.list.d/example.list

# want: PAL-DF-030
RUN echo 'APT::Get::AllowUnauthenticated "true";' > /etc/apt/apt.conf.d/99unauth

# want: PAL-DF-030
COPY <<EOF /etc/apt/sources.list.d/example.sources
Types: deb
URIs: https://repo.example.com/debian
Suites: stable
Components: main
Trusted: yes
EOF

# want: PAL-DF-030
RUN <<EOF
set -e
cat > /etc/apt/sources.list.d/example.list <<LIST
deb [allow-insecure=yes] http://repo.example.com/debian stable main
LIST
EOF

# want: PAL-DF-030
RUN sh -c 'apt-get install -y --no-install-recommends --allow-unauthenticated curl'

# want: PAL-DF-030
RUN add-apt-repository "deb [trusted=yes] http://repo.example.com/debian stable main"

# Not bypasses: signatures are still checked.
# pass: PAL-DF-030
RUN apt-get install -y --no-install-recommends --allow-downgrades curl=7.88.1-10+deb12u5 && rm -rf /var/lib/apt/lists/*

# pass: PAL-DF-030
RUN apt-get -o Acquire::Check-Valid-Until=false update

# pass: PAL-DF-030
RUN echo "deb [signed-by=/etc/apt/keyrings/example.gpg] http://repo.example.com/debian stable main" > /etc/apt/sources.list.d/example.list

# pass: PAL-DF-030
RUN apt-get -o Acquire::https::Verify-Peer=true update

# pass: PAL-DF-030
RUN echo "trusted=yes is only text here" > /tmp/notes.txt

# want: PAL-DF-031
RUN curl -fsSL https://repo.example.com/key.asc | apt-key add -

# want: PAL-DF-031
RUN apt-key adv --keyserver hkps://keyserver.ubuntu.com --recv-keys 0123456789ABCDEF

# want: PAL-DF-031
RUN curl -fsSL https://repo.example.com/key.asc | gpg --dearmor -o /etc/apt/trusted.gpg.d/example.gpg

# want: PAL-DF-031
RUN curl -fsSL -o /etc/apt/trusted.gpg.d/example.asc https://repo.example.com/key.asc

# want: PAL-DF-031
COPY example.gpg /etc/apt/trusted.gpg.d/

# pass: PAL-DF-031
RUN curl -fsSL https://repo.example.com/key.asc | gpg --dearmor -o /etc/apt/keyrings/example.gpg

# pass: PAL-DF-031
RUN apt-key list

USER 10001
