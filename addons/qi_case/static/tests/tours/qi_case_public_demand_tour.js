import { registry } from "@web/core/registry";

// Data prepared by qi_case/tests/test_tours.py (TestCaseTours.test_public_demand_tour):
// an enterprise's contact, in zh_CN, files a demand with a file on the public form.
const SUBJECT = "公开表单：三号线压力表校准";
const DETAILS = "十二只压力表，年度审核前完成。";
const FILE_NAME = "压力表清单.pdf";

registry.category("web_tour.tours").add("qi_case_public_demand", {
    url: "/qi/demand",
    steps: () => [
        {
            content: "The form speaks Chinese",
            trigger: ".o_qi_public_demand h1:contains(向质量基础设施一站式服务窗口提出需求)",
        },
        {
            trigger: ".o_qi_public_demand label[for=qi_company]:contains(企业)",
        },
        {
            content: "Name the enterprise",
            trigger: ".o_qi_public_demand input[name=company]",
            run: "edit 秦皇岛公开表单玻璃有限公司",
        },
        {
            trigger: ".o_qi_public_demand input[name=contact]",
            run: "edit 李雷",
        },
        {
            trigger: ".o_qi_public_demand input[name=phone]",
            run: "edit 13803350123",
        },
        {
            content: "Choose the window",
            trigger: ".o_qi_public_demand select[name=window_id]",
            run: "selectByLabel Case Window A",
        },
        {
            content: "Say what is needed",
            trigger: ".o_qi_public_demand label[for=qi_subject]:contains(您需要什么服务？)",
        },
        {
            trigger: ".o_qi_public_demand input[name=subject]",
            run: `edit ${SUBJECT}`,
        },
        {
            content: "The 详细说明 box is shown and takes the details",
            trigger: ".o_qi_public_demand label[for=qi_description]:contains(详细说明)",
        },
        {
            trigger: ".o_qi_public_demand textarea[name=description]:visible",
            run: `edit ${DETAILS}`,
        },
        {
            content: "Attach the list of gauges",
            trigger: ".o_qi_public_demand label[for=qi_attachments]:contains(申请材料)",
        },
        {
            trigger: ".o_qi_public_demand input[type=file][name=attachments]:visible",
            run() {
                // a file input cannot be typed into: hand it a file as a drop would
                const transfer = new DataTransfer();
                transfer.items.add(new File(["%PDF-1.4 gauges"], FILE_NAME, { type: "application/pdf" }));
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Send the demand",
            trigger: ".o_qi_public_demand button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The demand is received, with its number",
            trigger: ".o_qi_public_demand_done h1:contains(需求已收到)",
        },
        {
            trigger: ".o_qi_public_demand_done strong:contains(QI)",
        },
        {
            content: "and its file",
            trigger: `.o_qi_public_demand_done .o_qi_demand_files li:contains(${FILE_NAME})`,
        },
    ],
});
