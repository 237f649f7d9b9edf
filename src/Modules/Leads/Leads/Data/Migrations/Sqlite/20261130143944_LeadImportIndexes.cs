using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Leads.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LeadImportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sources_MergeId",
                table: "Sources");

            migrationBuilder.DropIndex(
                name: "IX_Sources_ReferredBy",
                table: "Sources");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CustomerAt",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_Email_Id",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_QualifiedAt",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_RejectedAt",
                table: "Leads");

            migrationBuilder.CreateIndex(
                name: "IX_Sources_MergeId",
                table: "Sources",
                column: "MergeId",
                filter: "\"MergeId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Sources_ReferredBy",
                table: "Sources",
                column: "ReferredBy",
                filter: "\"ReferredBy\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CustomerAt",
                table: "Leads",
                column: "CustomerAt",
                filter: "\"CustomerAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_QualifiedAt",
                table: "Leads",
                column: "QualifiedAt",
                filter: "\"QualifiedAt\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_RejectedAt",
                table: "Leads",
                column: "RejectedAt",
                filter: "\"RejectedAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sources_MergeId",
                table: "Sources");

            migrationBuilder.DropIndex(
                name: "IX_Sources_ReferredBy",
                table: "Sources");

            migrationBuilder.DropIndex(
                name: "IX_Leads_CustomerAt",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_QualifiedAt",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_RejectedAt",
                table: "Leads");

            migrationBuilder.CreateIndex(
                name: "IX_Sources_MergeId",
                table: "Sources",
                column: "MergeId");

            migrationBuilder.CreateIndex(
                name: "IX_Sources_ReferredBy",
                table: "Sources",
                column: "ReferredBy");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CustomerAt",
                table: "Leads",
                column: "CustomerAt");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_Email_Id",
                table: "Leads",
                columns: new[] { "Email", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_QualifiedAt",
                table: "Leads",
                column: "QualifiedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_RejectedAt",
                table: "Leads",
                column: "RejectedAt");
        }
    }
}
