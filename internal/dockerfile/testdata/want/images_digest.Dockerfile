# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# PAL-DF-012 (optional): enabled here by images.requireDigest in
# images_digest.palisade.yaml.
# want: PAL-DF-012
FROM debian:12-slim AS build
# want: PAL-DF-012
COPY --from=busybox:1.36 /bin/busybox /busybox
# pass: PAL-DF-012
COPY --from=busybox:1.36@sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4 /bin/busybox /busybox2
# pass: PAL-DF-012
FROM gcr.io/distroless/static-debian12:nonroot@sha256:0b1c7d6e5f4a3928172635445362718990a1b2c3d4e5f60718293a4b5c6d7e8f
# pass: PAL-DF-012
COPY --from=build /busybox /busybox
