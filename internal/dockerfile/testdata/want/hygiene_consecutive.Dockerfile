# Short consecutive RUN instructions.
FROM alpine:3.20
RUN echo one
# want: PAL-DF-165
RUN echo two
# pass: PAL-DF-165
RUN --mount=type=cache,target=/root/.cache echo three
COPY a /a
# pass: PAL-DF-165
RUN echo four
# pass: PAL-DF-165
RUN echo a && echo b && echo c
