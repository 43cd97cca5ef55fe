# escape=`
# palisade ignore-file=PAL-DF-164 HEALTHCHECK is not under test in this file
# Windows images: ContainerAdministrator is root; ContainerUser is fine
# and is not a name Kubernetes needs to verify.
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS admin
# pass: PAL-DF-020
USER ContainerUser
RUN echo admin

FROM admin
# want: PAL-DF-018
USER ContainerAdministrator
