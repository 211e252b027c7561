package io.sfpulse.streams.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SuspectComponentsTest {

    private static final List<String> DEPLOY =
            List.of(
                    "ApexClass:InvoiceService",
                    "ApexClass:Accountant",
                    "ApexTrigger:AccountTrigger",
                    "Flow:Invoice_Approval",
                    "Flow:Account_Before_Save",
                    "CustomObject:Account",
                    "CustomField:Account.Phone",
                    "CustomField:Account.Fax",
                    "CustomField:Contact.Phone",
                    "ValidationRule:Account.Require_Phone",
                    "Layout:Account-Account Layout",
                    "CustomField:Invoice__c.Amount__c");

    @Test
    void failingStackFramesAndFlowElementsPointAtTheirComponents() {
        assertThat(SuspectComponents.byLocation(DEPLOY, Set.of("Class.InvoiceService.calculate")))
                .containsExactly("ApexClass:InvoiceService");
        assertThat(
                        SuspectComponents.byLocation(
                                DEPLOY, Set.of("Flow.Invoice_Approval.Update_Invoice")))
                .containsExactly("Flow:Invoice_Approval");
        assertThat(SuspectComponents.byLocation(DEPLOY, Set.of("Class.InvoiceServiceHelper.run")))
                .isEmpty();
    }

    @Test
    void entityAnomalyPointsAtTheObjectItsMembersAndAutomationNamedAfterIt() {
        assertThat(SuspectComponents.byEntity(DEPLOY, "Account", null))
                .containsExactly(
                        "ApexTrigger:AccountTrigger",
                        "Flow:Account_Before_Save",
                        "CustomObject:Account",
                        "CustomField:Account.Phone",
                        "CustomField:Account.Fax",
                        "ValidationRule:Account.Require_Phone",
                        "Layout:Account-Account Layout");
    }

    @Test
    void nullRateOfAFieldLeavesOutTheEntitysOtherFields() {
        assertThat(SuspectComponents.byEntity(DEPLOY, "Account", "Phone"))
                .contains("CustomField:Account.Phone", "ApexTrigger:AccountTrigger")
                .doesNotContain(
                        "CustomField:Account.Fax",
                        "CustomField:Contact.Phone",
                        "ApexClass:Accountant");
    }

    @Test
    void customObjectMatchesItsFieldsAndAutomationNamedWithoutTheSuffix() {
        assertThat(SuspectComponents.byEntity(DEPLOY, "Invoice__c", "Amount__c"))
                .containsExactly(
                        "ApexClass:InvoiceService",
                        "Flow:Invoice_Approval",
                        "CustomField:Invoice__c.Amount__c");
    }
}
