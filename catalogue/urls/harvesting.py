"""Interfaces for harvesters: OAI-PMH (issue 14). The JSON API is mounted in archive/urls.py."""

from django.urls import path

from catalogue.views.oai import OAIView

urlpatterns = [path("oai/", OAIView.as_view(), name="oai")]
