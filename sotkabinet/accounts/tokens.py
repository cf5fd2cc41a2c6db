"""API tokens that expire and die with the password (issue 9).

A token (DRF authtoken, one per user) is accepted for `API_TOKEN_TTL_DAYS` days after it was
issued; after that the caller gets 401 with the `not_authenticated` envelope and signs in again,
which issues a fresh one. Any change of the stored password hash (the admin's password form, the
`create_user` command, `set_password` anywhere) deletes the user's tokens.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from .models import User


def token_lifetime() -> timedelta:
    return timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_expired(token: Token, *, now=None) -> bool:
    return token.created + token_lifetime() <= (now or timezone.now())


def issue_token(user: User) -> str:
    """The user's live token, or a new one when there is none or it has expired."""
    token = Token.objects.filter(user=user).first()
    if token is not None and token_expired(token):
        token.delete()
        token = None
    if token is None:
        token, _created = Token.objects.get_or_create(user=user)
    return token.key


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's `Token <key>` authentication, refusing tokens older than API_TOKEN_TTL_DAYS."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed("Token has expired.")
        return user, token


@receiver(pre_save, sender=User)
def _note_password_change(sender, instance: User, raw: bool = False, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if (
        raw
        or instance.pk is None
        or (update_fields is not None and "password" not in update_fields)
    ):
        return
    stored = User.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._password_hash_changed = stored is not None and stored != instance.password


@receiver(post_save, sender=User)
def _revoke_tokens_on_password_change(sender, instance: User, **kwargs) -> None:
    if getattr(instance, "_password_hash_changed", False):
        instance._password_hash_changed = False
        Token.objects.filter(user=instance).delete()
