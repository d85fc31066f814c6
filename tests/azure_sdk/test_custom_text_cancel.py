# ------------------------------------
# Copyright (c) Microsoft Corporation.
# Licensed under the MIT License.
# ------------------------------------
# test_cancel and test_cancel_fail_terminal_state of tests/test_custom_text.py at Azure/azure-sdk-for-python
# commit 08ee56df40d9b1cbb1fe55de1d0e7a88603935a4 (the 5.4.0 sdist dropped them), copied verbatim with that file's
# header, imports and preparer. Only the import of `TextAnalyticsLROPoller`, which 5.4.0 renamed and these two
# tests do not use, is left out, and the class is named for this file.

import pytest
import functools
import datetime
import itertools
from azure.core.credentials import AzureKeyCredential
from azure.core.exceptions import HttpResponseError
from testcase import TextAnalyticsTest, TextAnalyticsPreparer, is_public_cloud
from testcase import TextAnalyticsClientPreparer as _TextAnalyticsClientPreparer
from devtools_testutils import recorded_by_proxy, set_bodiless_matcher
from azure.ai.textanalytics import (
    TextAnalyticsClient,
)

# pre-apply the client_cls positional argument so it needn't be explicitly passed below
TextAnalyticsClientPreparer = functools.partial(_TextAnalyticsClientPreparer, TextAnalyticsClient)

TextAnalyticsCustomPreparer = functools.partial(
    TextAnalyticsPreparer,
    textanalytics_custom_text_endpoint="https://fakeendpoint.cognitiveservices.azure.com",
    textanalytics_custom_text_key="fakeZmFrZV9hY29jdW50X2tleQ==",
    textanalytics_single_category_classify_project_name="single_category_classify_project_name",
    textanalytics_single_category_classify_deployment_name="single_category_classify_deployment_name",
    textanalytics_multi_category_classify_project_name="multi_category_classify_project_name",
    textanalytics_multi_category_classify_deployment_name="multi_category_classify_deployment_name",
    textanalytics_custom_entities_project_name="custom_entities_project_name",
    textanalytics_custom_entities_deployment_name="custom_entities_deployment_name",
)


class TestCustomTextCancel(TextAnalyticsTest):

    def _interval(self):
        return 5 if self.is_live else 0

    @pytest.mark.skipif(not is_public_cloud(), reason='Usgov and China Cloud are not supported')
    @TextAnalyticsCustomPreparer()
    @recorded_by_proxy
    def test_cancel(
            self,
            textanalytics_custom_text_endpoint,
            textanalytics_custom_text_key,
            textanalytics_custom_entities_project_name,
            textanalytics_custom_entities_deployment_name
    ):
        set_bodiless_matcher()  # don't match on body for this test since we scrub the proj/deployment values
        client = TextAnalyticsClient(textanalytics_custom_text_endpoint, AzureKeyCredential(textanalytics_custom_text_key))
        single_doc = "A recent report by the Government Accountability Office (GAO) found that the dramatic increase in oil and natural gas development on federal lands over the past six years has stretched the staff of the BLM to a point that it has been unable to meet its environmental protection responsibilities."
        docs = [{"id": str(idx), "text": val} for (idx, val) in enumerate(list(itertools.repeat(single_doc, 25)))]
        poller = client.begin_recognize_custom_entities(
            docs,
            project_name=textanalytics_custom_entities_project_name,
            deployment_name=textanalytics_custom_entities_deployment_name,
            show_stats=True,
            polling_interval=self._interval(),
        )

        poller.cancel()

    @pytest.mark.skipif(not is_public_cloud(), reason='Usgov and China Cloud are not supported')
    @TextAnalyticsCustomPreparer()
    @recorded_by_proxy
    def test_cancel_fail_terminal_state(
            self,
            textanalytics_custom_text_endpoint,
            textanalytics_custom_text_key,
            textanalytics_custom_entities_project_name,
            textanalytics_custom_entities_deployment_name
    ):
        set_bodiless_matcher()  # don't match on body for this test since we scrub the proj/deployment values
        client = TextAnalyticsClient(textanalytics_custom_text_endpoint, AzureKeyCredential(textanalytics_custom_text_key))
        single_doc = "A recent report by the Government Accountability Office (GAO) found that the dramatic increase in oil and natural gas development on federal lands over the past six years has stretched the staff of the BLM to a point that it has been unable to meet its environmental protection responsibilities."
        docs = [{"id": str(idx), "text": val} for (idx, val) in enumerate(list(itertools.repeat(single_doc, 5)))]
        poller = client.begin_recognize_custom_entities(
            docs,
            project_name=textanalytics_custom_entities_project_name,
            deployment_name=textanalytics_custom_entities_deployment_name,
            show_stats=True,
            polling_interval=self._interval(),
        )
        poller.result()
        assert poller.status() == "succeeded"
        with pytest.raises(HttpResponseError):
            poller.cancel()  # can't cancel when already in terminal state
