"""Helpers for the back-office tests: logged-in personas and posting an action."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def as_user():
    return login


def act_url(complaint, action) -> str:
    return reverse("office:act", args=[complaint.code, action])


def post_action(client, complaint, action, version=None, **data):
    """POST one action with the complaint's current version (or the one given)."""
    complaint.refresh_from_db()
    payload = {"version": complaint.version if version is None else version, **data}
    return client.post(act_url(complaint, action), payload)
