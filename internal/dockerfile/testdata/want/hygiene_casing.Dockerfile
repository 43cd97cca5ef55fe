FROM alpine:3.20
# pass: PAL-DF-107 PAL-DF-108
RUN echo upper
# want: PAL-DF-107
run echo lower
# want: PAL-DF-107
Workdir /app
# want: PAL-DF-108
RUN echo a && \

    echo b
# pass: PAL-DF-108
RUN echo c && \
    # a comment inside the continuation
    echo d
