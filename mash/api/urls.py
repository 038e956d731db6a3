from mash.api.views import api

urlpatterns = api.urls[0]
