using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Outreach.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Meetings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Meetings",
                schema: "outreach",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    ProspectId = table.Column<string>(type: "text", nullable: true),
                    LeadId = table.Column<string>(type: "text", nullable: true),
                    Owner = table.Column<string>(type: "text", nullable: true),
                    StartsAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EndsAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: false),
                    Source = table.Column<string>(type: "text", nullable: false),
                    AttendeeName = table.Column<string>(type: "text", nullable: true),
                    AttendeeEmail = table.Column<string>(type: "text", nullable: true),
                    Notes = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Meetings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Meetings_Owner_StartsAt_Booked",
                schema: "outreach",
                table: "Meetings",
                columns: new[] { "Owner", "StartsAt" },
                unique: true,
                filter: "\"Status\" = 'booked'");

            migrationBuilder.CreateIndex(
                name: "IX_Meetings_ProspectId",
                schema: "outreach",
                table: "Meetings",
                column: "ProspectId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Meetings",
                schema: "outreach");
        }
    }
}
