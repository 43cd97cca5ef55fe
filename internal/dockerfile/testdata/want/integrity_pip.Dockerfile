# PAL-DF-034: pip and Python TLS bypasses and plain-HTTP indexes.
FROM python:3.12-slim

# want: PAL-DF-034
RUN pip install --no-cache-dir --trusted-host pypi.example.com -r requirements.txt

# want: PAL-DF-034
RUN pip3 install --no-cache-dir --index-url http://pypi.example.com/simple requests==2.32.3

# want: PAL-DF-034
RUN python3 -m pip install --no-cache-dir -i http://pypi.example.com/simple requests==2.32.3

# want: PAL-DF-034
RUN pip install --no-cache-dir --extra-index-url=http://pypi.example.com/simple requests==2.32.3

# want: PAL-DF-034
RUN pip config set global.trusted-host pypi.example.com

# want: PAL-DF-034
ENV PIP_TRUSTED_HOST=pypi.example.com

# want: PAL-DF-034
ARG PIP_INDEX_URL=http://pypi.example.com/simple

# want: PAL-DF-034
RUN PIP_TRUSTED_HOST=pypi.example.com pip install --no-cache-dir requests==2.32.3

# want: PAL-DF-034
ENV PYTHONHTTPSVERIFY=0

# want: PAL-DF-034
RUN printf '[global]\ntrusted-host = pypi.example.com\n' > /etc/pip.conf

# want: PAL-DF-041 PAL-DF-034
RUN curl -fsSLo /tmp/app-1.0-py3-none-any.whl http://files.example.com/app-1.0-py3-none-any.whl && python3 -m pip install --no-cache-dir --trusted-host files.example.com /tmp/app-1.0-py3-none-any.whl

# want: PAL-DF-034
RUN uv pip install --system --allow-insecure-host pypi.example.com requests==2.32.3

# want: PAL-DF-034
ENV CURL_CA_BUNDLE=""

# pass: PAL-DF-034
ENV CURL_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

# pass: PAL-DF-034
RUN pip install --no-cache-dir --index-url https://pypi.example.com/simple requests==2.32.3

# pass: PAL-DF-034
RUN pip install --no-cache-dir --trusted-host localhost --index-url http://localhost:3141/root/pypi/+simple/ requests==2.32.3

# pass: PAL-DF-034
ENV PYTHONHTTPSVERIFY=1

# pass: PAL-DF-034
ARG PIP_TRUSTED_HOST

USER 10001
