"""A real S3-protocol server on loopback for the tests: moto's server, with signature checking switched on.

moto checks Signature Version 4 only for credentials it issued, so the first few calls (free of checks, by
INITIAL_NO_AUTH_ACTION_COUNT) create an IAM user, its access key, a policy and the bucket; every call after them,
Tanggap's included, must be signed right or is refused with SignatureDoesNotMatch.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.config import Config

from conftest import free_port

BUCKET = "tanggap-lampiran"
UNCHECKED_SETUP_CALLS = 4


class ObjectStore:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".out", delete=False)
        moto = os.path.join(os.path.dirname(sys.executable), "moto_server")
        self.process = subprocess.Popen(
            [moto, "-H", "127.0.0.1", "-p", str(self.port)], stdout=self.log, stderr=subprocess.STDOUT,
            env=dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(UNCHECKED_SETUP_CALLS)))
        try:
            self._wait()
            self._set_up()
        except BaseException:
            self.stop()
            raise

    def _wait(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            assert self.process.poll() is None, open(self.log.name).read()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("moto's server did not start")

    def _client(self, service, key_id, secret):
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1", aws_access_key_id=key_id,
                            aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}))

    def _set_up(self):
        iam = self._client("iam", "setup", "setup")
        iam.create_user(UserName="tanggap")
        key = iam.create_access_key(UserName="tanggap")["AccessKey"]
        iam.put_user_policy(UserName="tanggap", PolicyName="attachments", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "iam:*"], "Resource": "*"}]}))
        self.key_id, self.secret = key["AccessKeyId"], key["SecretAccessKey"]
        self.iam = self._client("iam", self.key_id, self.secret)
        self.s3 = self._client("s3", self.key_id, self.secret)
        self.s3.create_bucket(Bucket=BUCKET)

    def env(self, prefix, secret=None):
        """What a Tanggap process needs to keep its attachments under `prefix` in the bucket."""
        return {"TANGGAP_ATTACHMENTS_URL": f"s3://{BUCKET}/{prefix}", "TANGGAP_S3_ENDPOINT": self.url,
                "TANGGAP_S3_REGION": "us-east-1", "TANGGAP_S3_ACCESS_KEY_ID": self.key_id,
                "TANGGAP_S3_SECRET_ACCESS_KEY": secret or self.secret}

    def keys(self, prefix):
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix + "/")
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key):
        return self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def put(self, key, data):
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=data)

    def deny_uploads(self):
        """The store refuses every upload (AccessDenied), as one whose permissions were changed would."""
        self.iam.put_user_policy(UserName="tanggap", PolicyName="no-uploads", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}]}))

    def allow_uploads(self):
        self.iam.delete_user_policy(UserName="tanggap", PolicyName="no-uploads")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        os.unlink(self.log.name)
