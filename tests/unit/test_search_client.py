"""The search client signs requests for Amazon OpenSearch Service and only there."""

from __future__ import annotations

from chalicelib.adapters.opensearch import client_for, is_aws_endpoint


def test_only_amazon_opensearch_endpoints_are_signed():
    assert is_aws_endpoint("https://search-kizuna-prod-abc123.ap-northeast-1.es.amazonaws.com")
    assert not is_aws_endpoint("http://127.0.0.1:9200")
    assert not is_aws_endpoint("https://es.amazonaws.com.evil.example")


def test_a_signed_client_uses_sigv4_for_the_es_service(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    client = client_for("https://search-kizuna-prod-abc123.ap-northeast-1.es.amazonaws.com", "ap-northeast-1")
    connection = client.transport.get_connection()
    auth = connection.session.auth if hasattr(connection, "session") else connection.http_auth
    headers = auth("GET", "https://search-kizuna-prod-abc123.ap-northeast-1.es.amazonaws.com/_search", None)
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert "/ap-northeast-1/es/aws4_request" in headers["Authorization"]


def test_a_local_client_is_not_signed():
    connection = client_for("http://127.0.0.1:9200").transport.get_connection()
    assert getattr(connection, "http_auth", None) is None
