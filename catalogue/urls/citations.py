"""Citation downloads (issue 4)."""

urlpatterns = []
