using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Leads.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeadImportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sources_MergeId",
                schema: "leads",
                table: "Sources");

            migrationBuilder.DropIndex(
                name: "IX_Sources_ReferredBy",
                schema: "leads",
                table: "Sources");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CustomerAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_Email_Id",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_QualifiedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_RejectedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.CreateIndex(
                name: "IX_Sources_MergeId",
                schema: "leads",
                table: "Sources",
                column: "MergeId",
                filter: "\"MergeId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Sources_ReferredBy",
                schema: "leads",
                table: "Sources",
                column: "ReferredBy",
                filter: "\"ReferredBy\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CustomerAt",
                schema: "leads",
                table: "Leads",
                column: "CustomerAt",
                filter: "\"CustomerAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_QualifiedAt",
                schema: "leads",
                table: "Leads",
                column: "QualifiedAt",
                filter: "\"QualifiedAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_RejectedAt",
                schema: "leads",
                table: "Leads",
                column: "RejectedAt",
                filter: "\"RejectedAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sources_MergeId",
                schema: "leads",
                table: "Sources");

            migrationBuilder.DropIndex(
                name: "IX_Sources_ReferredBy",
                schema: "leads",
                table: "Sources");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CustomerAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_QualifiedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_RejectedAt",
                schema: "leads",
                table: "Leads");

            migrationBuilder.CreateIndex(
                name: "IX_Sources_MergeId",
                schema: "leads",
                table: "Sources",
                column: "MergeId");

            migrationBuilder.CreateIndex(
                name: "IX_Sources_ReferredBy",
                schema: "leads",
                table: "Sources",
                column: "ReferredBy");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CustomerAt",
                schema: "leads",
                table: "Leads",
                column: "CustomerAt");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_Email_Id",
                schema: "leads",
                table: "Leads",
                columns: new[] { "Email", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_QualifiedAt",
                schema: "leads",
                table: "Leads",
                column: "QualifiedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_RejectedAt",
                schema: "leads",
                table: "Leads",
                column: "RejectedAt");
        }
    }
}
